package middleware

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// VersionHeader names the build's version on every response.
const VersionHeader = "X-Goship-Version"

var versionKey = http.CanonicalHeaderKey(VersionHeader)

// Version sets X-Goship-Version on every response, before the handler
// writes, so that errors, 404s and the probes carry it too: during a canary
// release a load generator counts the responses of each version without
// parsing bodies. Opt-in (VERSION_HEADER=true): it tells clients the build.
func Version(version string) gin.HandlerFunc {
	value := []string{version}
	return func(c *gin.Context) {
		c.Writer.Header()[versionKey] = value
		c.Next()
	}
}
