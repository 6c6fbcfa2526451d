# Man pages of the cgroup commands.
dist_man_MANS += docs/rt-update.8 docs/rt-pause.8 docs/rt-resume.8 docs/rt-ps.8 docs/rt-events.8
