-- Stands for a migration a newer Patchbay release ships: this release does not know it.
CREATE TABLE newer_release_table (id TEXT PRIMARY KEY);
