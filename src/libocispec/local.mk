librt_a_SOURCES += \
	src/libocispec/oci_config.h
