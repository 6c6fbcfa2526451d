librt_a_SOURCES +=
