# runtime/automake.mk -- build rules for runtime/ (filled in as the folder grows).
