package middleware

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/apierror"
)

// BodyLimit rejects a declared Content-Length over limit up front with a JSON
// 413, and caps every other body with http.MaxBytesReader, whose
// *http.MaxBytesError handlers map to 413 as well.
func BodyLimit(limit int64) gin.HandlerFunc {
	message := fmt.Sprintf("request body exceeds %d bytes", limit)
	return func(c *gin.Context) {
		if c.Request.ContentLength > limit {
			apierror.Abort(c, http.StatusRequestEntityTooLarge, apierror.CodeBodyTooLarge, message)
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}
