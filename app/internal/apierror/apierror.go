// Package apierror is the one JSON error shape of the public API, used by
// handlers and middleware alike, so that no error (404, 405, 413, 500, …)
// ever reaches a client as HTML or plain text.
package apierror

import "github.com/gin-gonic/gin"

// Machine-readable error codes.
const (
	CodeInvalidArgument      = "invalid_argument"
	CodeNotFound             = "not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeBodyTooLarge         = "body_too_large"
	CodeRequestTimeout       = "request_timeout"
	CodeUnsupportedMediaType = "unsupported_media_type"
	CodeInsufficientStorage  = "insufficient_storage"
	CodeInternal             = "internal"
	CodeUnavailable          = "unavailable" // a dependency did not answer in time; retry
)

// Body is the response body of every error: {"error":{"code":…,"message":…}}.
// The request id is in the X-Request-ID response header.
type Body struct {
	Error Detail `json:"error"`
}

// Detail says what went wrong.
type Detail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Abort stops the handler chain and writes the error.
func Abort(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, Body{Error: Detail{Code: code, Message: message}})
}
