package middleware

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

func TestMethodLabelIsBounded(t *testing.T) {
	for method, want := range map[string]string{
		"GET": "GET", "POST": "POST", "DELETE": "DELETE", "OPTIONS": "OPTIONS",
		"get": "other", "PROPFIND": "other", "X-RANDOM-123": "other", "": "other",
	} {
		if got := methodLabel(method); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", method, got, want)
		}
	}
}

// The cached children count into the same series as WithLabelValues would.
func TestMetricsSeriesCache(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	r := gin.New()
	r.Use(m.Handler())
	r.GET("/a/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.POST("/a/:id", func(c *gin.Context) { c.Status(http.StatusCreated) })
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			method := []string{"GET", "POST"}[i%2]
			r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/a/"+strconv.Itoa(i), nil))
		})
	}
	wg.Wait()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nope", nil))

	want := map[string]float64{
		"GET /a/:id 204": 20, "POST /a/:id 201": 20, "GET unmatched 404": 1,
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	histograms := 0
	for _, family := range families {
		for _, metric := range family.GetMetric() {
			labels := map[string]string{}
			for _, label := range metric.GetLabel() {
				labels[label.GetName()] = label.GetValue()
			}
			switch family.GetName() {
			case "http_requests_total":
				got[labels["method"]+" "+labels["route"]+" "+labels["code"]] = metric.GetCounter().GetValue()
			case "http_request_duration_seconds":
				histograms++
				key := labels["method"] + " " + labels["route"]
				if n := metric.GetHistogram().GetSampleCount(); n != map[string]uint64{"GET /a/:id": 20, "POST /a/:id": 20, "GET unmatched": 1}[key] {
					t.Errorf("duration %s: %d samples", key, n)
				}
			}
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("http_requests_total = %v, want %v", got, want)
	}
	if histograms != 3 {
		t.Errorf("%d duration series, want 3", histograms)
	}
}
