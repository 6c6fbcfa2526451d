# unit tests of the state store
