package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/apierror"
)

// Recovery turns a panic in a handler into a logged stack trace and a JSON
// 500, instead of a dropped connection. http.ErrAbortHandler is re-panicked:
// it is net/http's sentinel for deliberately aborting a response.
func Recovery(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			recovered := recover()
			if recovered == nil {
				return
			}
			if err, ok := recovered.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(recovered)
			}
			logger.LogAttrs(c.Request.Context(), slog.LevelError, "panic recovered",
				slog.String("request_id", RequestIDFrom(c)),
				slog.String("method", c.Request.Method),
				slog.String("route", routeLabel(c)),
				slog.String("panic", fmt.Sprint(recovered)),
				slog.String("stack", string(debug.Stack())),
			)
			if c.Writer.Written() {
				c.Abort() // too late for a clean error body; the status already went out
				return
			}
			apierror.Abort(c, http.StatusInternalServerError, apierror.CodeInternal, "internal server error")
		}()
		c.Next()
	}
}
