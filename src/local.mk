librt_a_SOURCES += \
	src/state.h
