# the OCI conformance checker
