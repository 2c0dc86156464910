package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/health"
)

// probeHandlers serve the Kubernetes probes (the kube-apiserver convention):
// /livez says the process can serve at all and checks no dependency, so a
// dependency outage never causes a restart storm; /readyz says whether traffic
// should be routed here: the lifecycle, then check (the database), whose
// error is the reason given.
type probeHandlers struct {
	readiness *health.Readiness
	check     func(context.Context) error
}

func (p probeHandlers) livez(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "alive"})
}

func (p probeHandlers) readyz(c *gin.Context) {
	state := p.readiness.State()
	if state != health.Ready {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": state.String()})
		return
	}
	if p.check != nil {
		if err := p.check(c.Request.Context()); err != nil {
			c.JSON(http.StatusServiceUnavailable, notReady{Status: "not_ready", Reason: err.Error()})
			return
		}
	}
	c.JSON(http.StatusOK, gin.H{"status": state.String()})
}

// notReady is a struct, not a gin.H, so "status" comes first as in every
// other answer of /readyz.
type notReady struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}
