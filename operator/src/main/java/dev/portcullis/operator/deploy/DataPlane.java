package dev.portcullis.operator.deploy;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A fleet of data plane pods behind one Service, serving one IngressClass. */
@Group("portcullis.dev")
@Version("v1alpha1")
@Kind("DataPlane")
@Plural("dataplanes")
@ShortNames("dp")
public class DataPlane extends CustomResource<DataPlaneSpec, DataPlaneStatus> implements Namespaced {
}
