dist_man_MANS += docs/rt.8 docs/rt-create.8 docs/rt-start.8 docs/rt-run.8 \
	docs/rt-kill.8 docs/rt-delete.8 docs/rt-state.8 docs/rt-list.8 \
	docs/rt-spec.8 docs/rt-features.8 docs/rt-exec.8
