// Package redact keeps database passwords out of error messages and logs:
// configuration problems echo the value they refuse, and drivers may echo the
// connection string they were given.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces a password wherever it is redacted.
const Mask = "xxxxx"

// userinfoPassword matches "scheme://user:password@" in text url.Parse refuses.
var userinfoPassword = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)

// URL returns rawURL with the password of its userinfo replaced by Mask, and
// any "password=" query parameter (libpq accepts one) masked too.
func URL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return maskKeyValues(userinfoPassword.ReplaceAllString(rawURL, "${1}"+Mask+"@"))
	}
	_, hasPassword := u.User.Password()
	q := u.Query()
	if !hasPassword && !q.Has("password") {
		return maskKeyValues(rawURL) // as given, unless a keyword/value DSN holds password=
	}
	if q.Has("password") {
		q.Set("password", Mask)
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// passwordParam matches password=… as a URL query parameter or a libpq
// keyword/value setting.
var passwordParam = regexp.MustCompile(`(?i)(password=)('(?:[^'\\]|\\.)*'|[^&\s]*)`)

func maskKeyValues(text string) string {
	return passwordParam.ReplaceAllString(text, "${1}"+Mask)
}

// Secret removes every occurrence of secret, raw or URL-escaped, from text,
// and masks passwords in any URL or password= setting it contains.
func Secret(text, secret string) string {
	if secret != "" {
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), url.UserPassword("u", secret).String()[2:]} {
			if form != "" {
				text = strings.ReplaceAll(text, form, Mask)
			}
		}
	}
	return maskKeyValues(userinfoPassword.ReplaceAllString(text, "${1}"+Mask+"@"))
}
