package middleware

import "testing"

func TestMethodLabelIsBounded(t *testing.T) {
	for method, want := range map[string]string{
		"GET": "GET", "POST": "POST", "DELETE": "DELETE", "OPTIONS": "OPTIONS",
		"get": "other", "PROPFIND": "other", "X-RANDOM-123": "other", "": "other",
	} {
		if got := methodLabel(method); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", method, got, want)
		}
	}
}
