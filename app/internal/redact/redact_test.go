package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://goship:s3cret@db:5432/goship", "postgres://goship:xxxxx@db:5432/goship"},
		{"postgres://goship@db/goship?sslmode=disable", "postgres://goship@db/goship?sslmode=disable"},
		{"host=db dbname=goship", "host=db dbname=goship"}, // as given when there is nothing to hide
		{"postgres://db/goship?password=s3cret&sslmode=disable", "postgres://db/goship?password=xxxxx&sslmode=disable"},
		{"postgres://goship:s3cret@db:99999/goship", "postgres://goship:xxxxx@db:99999/goship"}, // url.Parse refuses it
		{"host=db password='s3 cret' dbname=goship", "host=db password=xxxxx dbname=goship"},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecret(t *testing.T) {
	const password = "p@ss/wörd"
	for _, text := range []string{
		"failed to connect: password p@ss/wörd rejected",
		"cannot parse `postgres://u:p%40ss%2Fw%C3%B6rd@db/x`: invalid port",
		"dsn postgres://u:p%40ss%2Fw%C3%B6rd@db/x",
	} {
		got := Secret(text, password)
		if strings.Contains(got, "p@ss") || strings.Contains(got, "p%40ss") || !strings.Contains(got, Mask) {
			t.Errorf("Secret(%q) = %q: the password shows or was not masked", text, got)
		}
	}
}
