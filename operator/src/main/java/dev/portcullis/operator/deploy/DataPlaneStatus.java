package dev.portcullis.operator.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/** What a DataPlane is: replicas ready, where it is reached, and its conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataPlaneStatus {

    public Long observedGeneration;

    @PrinterColumn(name = "Ready")
    public Integer readyReplicas;

    @PrinterColumn(name = "Address")
    public String address;

    /** Ready, Progressing and Degraded, each with a reason. */
    public List<Condition> conditions = new ArrayList<>();
}
