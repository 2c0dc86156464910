package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/health"
)

// probeHandlers serve the Kubernetes probes (the kube-apiserver convention):
// /livez says the process can serve at all and checks no dependency, so a
// dependency outage never causes a restart storm; /readyz says whether traffic
// should be routed here.
type probeHandlers struct {
	readiness *health.Readiness
}

func (p probeHandlers) livez(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "alive"})
}

func (p probeHandlers) readyz(c *gin.Context) {
	state := p.readiness.State()
	status := http.StatusOK
	if state != health.Ready {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"status": state.String()})
}
