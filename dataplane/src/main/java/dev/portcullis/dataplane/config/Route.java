package dev.portcullis.dataplane.config;

/** Requests whose path matches go to the named cluster. */
public record Route(PathMatch match, String cluster) {
}
