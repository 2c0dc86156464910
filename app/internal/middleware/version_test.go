package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestVersionHeaderOnEveryResponse(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.Use(Version("1.2.3"))
	r.GET("/ok", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/fail", func(c *gin.Context) { c.AbortWithStatus(http.StatusInternalServerError) })
	for path, status := range map[string]int{"/ok": http.StatusOK, "/fail": http.StatusInternalServerError, "/missing": http.StatusNotFound} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != status {
			t.Errorf("GET %s: status %d, want %d", path, w.Code, status)
		}
		if got := w.Header().Values(VersionHeader); len(got) != 1 || got[0] != "1.2.3" {
			t.Errorf("GET %s: %s = %q, want [\"1.2.3\"]", path, VersionHeader, got)
		}
	}
}
