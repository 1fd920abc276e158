# schemas/automake.mk -- the topology JSON Schema, installed and shipped.
dist_pkgdata_DATA += schemas/topology.schema.json
