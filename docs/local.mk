dist_man_MANS += docs/rt.8 docs/rt-create.8 docs/rt-start.8 docs/rt-run.8 \
	docs/rt-kill.8 docs/rt-delete.8 docs/rt-state.8 docs/rt-list.8 \
	docs/rt-spec.8 docs/rt-features.8 docs/rt-exec.8
# Man pages of the cgroup commands.
dist_man_MANS += docs/rt-update.8 docs/rt-pause.8 docs/rt-resume.8 docs/rt-ps.8 docs/rt-events.8
# Man pages of checkpoint and restore (CRIU).
dist_man_MANS += docs/rt-checkpoint.8 docs/rt-restore.8
