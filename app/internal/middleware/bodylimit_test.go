package middleware

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestBodyLimit(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(BodyLimit(8))
	r.POST("/echo", func(c *gin.Context) {
		body, err := io.ReadAll(c.Request.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			c.String(http.StatusTeapot, "capped at %d", tooLarge.Limit) // proves the reader is capped
			return
		}
		c.String(http.StatusOK, "%s", body)
	})

	tests := []struct {
		name          string
		body          string
		contentLength int64 // -1: unknown (chunked)
		wantStatus    int
		wantBody      string
	}{
		{"within the limit", "12345678", 8, http.StatusOK, "12345678"},
		{"declared over the limit", "123456789", 9, http.StatusRequestEntityTooLarge, `"code":"body_too_large"`},
		{"undeclared over the limit", "123456789", -1, http.StatusTeapot, "capped at 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("POST", "/echo", strings.NewReader(tt.body))
			req.ContentLength = tt.contentLength
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("got %d %q, want %d containing %q", rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
			}
		})
	}
}
