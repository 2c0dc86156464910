package middleware

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// clientIP must agree with gin's ClientIP whatever the peer, the headers and
// the trusted proxies.
func TestClientIPMatchesGin(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, trusted := range [][]string{nil, {"192.0.2.0/24", "2001:db8::/32"}} {
		engine := gin.New()
		if err := engine.SetTrustedProxies(trusted); err != nil {
			t.Fatal(err)
		}
		for _, remote := range []string{
			"192.0.2.1:1234", "127.0.0.1:80", "[2001:db8::1]:443", "[::ffff:192.0.2.1]:1",
			"[fe80::1%eth0]:1", "01.2.3.4:5", "192.0.2.1", "", "garbage:1", " 192.0.2.1:1 ",
		} {
			for _, header := range []map[string]string{
				nil, {"X-Forwarded-For": "203.0.113.9"}, {"X-Real-IP": "203.0.113.7"}, {"X-Forwarded-For": "bogus"},
			} {
				req := httptest.NewRequest("GET", "/", nil)
				req.RemoteAddr = remote
				for k, v := range header {
					req.Header.Set(k, v)
				}
				var got, want string
				engine.GET("/", func(c *gin.Context) { got, want = clientIP(c), c.ClientIP() })
				engine.ServeHTTP(httptest.NewRecorder(), req)
				engine = gin.New() // a route can only be added once
				_ = engine.SetTrustedProxies(trusted)
				if got != want {
					t.Errorf("trusted %v, RemoteAddr %q, headers %v: clientIP = %q, gin = %q", trusted, remote, header, got, want)
				}
			}
		}
	}
}

func BenchmarkClientIP(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/", nil)
	b.Run("gin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = c.ClientIP()
		}
	})
	b.Run("clientIP", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = clientIP(c)
		}
	})
}
