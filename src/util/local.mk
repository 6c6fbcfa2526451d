libocirt_a_SOURCES += \
	src/util/error.c src/util/error.h \
	src/util/log.c src/util/log.h \
	src/util/json.c src/util/json.h \
	src/util/cleanup.h
libocirt_a_SOURCES += src/util/fs.c src/util/fs.h
libocirt_a_SOURCES += src/util/dl.c src/util/dl.h
libocirt_a_SOURCES += src/util/signal.c src/util/signal.h
libocirt_a_SOURCES += src/util/procfs.c src/util/procfs.h
libocirt_a_SOURCES += src/util/mountinfo.c src/util/mountinfo.h
libocirt_a_SOURCES += src/util/time.h
