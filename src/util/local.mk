librt_a_SOURCES += \
	src/util/error.c src/util/error.h \
	src/util/log.c src/util/log.h \
	src/util/json.c src/util/json.h \
	src/util/cleanup.h
librt_a_SOURCES += src/util/fs.c src/util/fs.h
librt_a_SOURCES += src/util/dl.c src/util/dl.h
librt_a_SOURCES += src/util/mountinfo.c src/util/mountinfo.h
librt_a_SOURCES += src/util/time.h
