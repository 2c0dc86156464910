package users

import (
	"embed"
	"io/fs"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations are the schema's goose SQL migrations (NNNNN_name.sql), applied
// by `server migrate`. Each must work with the release still running during a
// rolling update: expand, then contract in a later release (app/README.md).
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
