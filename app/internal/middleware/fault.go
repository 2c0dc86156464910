package middleware

import (
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/apierror"
)

// Fault makes the service slow or failing on purpose, for tests: every
// request but the probes waits delay, then errorPercent of them are answered
// 500 with the usual JSON error. The probes stay truthful so that Kubernetes
// does not restart or unroute the pod the test is observing. It goes inside
// the access log, metrics and tracing, which therefore see the faults as
// real latency and errors. The router installs it only when one is set.
func Fault(delay time.Duration, errorPercent int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if isProbeRoute(c.FullPath()) {
			return
		}
		if delay > 0 {
			timer := time.NewTimer(delay)
			select {
			case <-timer.C:
			case <-c.Request.Context().Done(): // the client left: no one waits for the answer
				timer.Stop()
			}
		}
		if errorPercent > 0 && rand.IntN(100) < errorPercent {
			apierror.Abort(c, http.StatusInternalServerError, apierror.CodeInternal, "internal server error") // as a real one
		}
	}
}
