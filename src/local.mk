# The state store (state.c is listed in core.mk) and the features document.
librt_a_SOURCES += \
	src/state.h \
	src/features.c src/rt_features.h
