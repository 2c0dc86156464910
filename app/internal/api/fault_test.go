package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/goship/app/internal/apierror"
)

// installed reports whether the router runs the middleware built by the
// function named constructor: its closure is ….Fault.func1, or
// ….NewRouter.Fault.func6 when inlined.
func installed(f *fixture, constructor string) bool {
	for _, h := range f.router.Handlers {
		if strings.Contains(runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name(), "."+constructor+".func") {
			return true
		}
	}
	return false
}

func TestFaultMiddlewareOnlyWhenConfigured(t *testing.T) {
	for _, tc := range []struct {
		delay   time.Duration
		percent int
		want    bool
	}{{0, 0, false}, {time.Millisecond, 0, true}, {0, 1, true}} {
		f := newFixture(t, func(o *Options) { o.FaultDelay, o.FaultErrorPercent = tc.delay, tc.percent })
		if got := installed(f, "Fault"); got != tc.want {
			t.Errorf("delay %v, percent %d: fault middleware installed = %v", tc.delay, tc.percent, got)
		}
	}
}

func TestFaultErrorsAnswer500ButNotOnProbes(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.FaultErrorPercent = 100 })
	for _, path := range []string{"/ping", "/api/v1/users", "/api/v1/users/1", "/nowhere"} {
		rec := f.do(httptest.NewRequest(http.MethodGet, path, nil))
		var body apierror.Body
		if rec.Code != http.StatusInternalServerError || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Code != apierror.CodeInternal {
			t.Errorf("GET %s = %d %s, want the JSON 500", path, rec.Code, rec.Body)
		}
	}
	for _, path := range []string{"/livez", "/readyz"} {
		if rec := f.do(httptest.NewRequest(http.MethodGet, path, nil)); rec.Code != http.StatusOK {
			t.Errorf("probe %s = %d, want 200: probes are exempt", path, rec.Code)
		}
	}
	// The metrics see the injected errors as real ones.
	if got := counterValue(t, f, "/ping", "500"); got != 1 {
		t.Errorf("http_requests_total{route=/ping,code=500} = %v, want 1", got)
	}
}

func TestFaultErrorPercentIsAShare(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.FaultErrorPercent = 30 })
	failed := 0
	const n = 2000
	for range n {
		if f.do(httptest.NewRequest(http.MethodGet, "/ping", nil)).Code == http.StatusInternalServerError {
			failed++
		}
	}
	if failed < n*20/100 || failed > n*40/100 { // 30 % ± 10: many standard deviations (~1 %)
		t.Errorf("%d of %d failed, want about 30 %%", failed, n)
	}
}

func TestFaultDelayButNotOnProbes(t *testing.T) {
	const delay = 80 * time.Millisecond
	f := newFixture(t, func(o *Options) { o.FaultDelay = delay })
	timed := func(path string) (time.Duration, int) {
		start := time.Now()
		rec := f.do(httptest.NewRequest(http.MethodGet, path, nil))
		return time.Since(start), rec.Code
	}
	if took, code := timed("/ping"); took < delay || code != http.StatusOK {
		t.Errorf("/ping took %v (%d), want at least %v and 200", took, code, delay)
	}
	for _, path := range []string{"/livez", "/readyz"} {
		if took, _ := timed(path); took >= delay {
			t.Errorf("probe %s took %v: probes are exempt", path, took)
		}
	}
}

func TestFaultDelayEndsWhenTheClientLeaves(t *testing.T) {
	f := newFixture(t, func(o *Options) { o.FaultDelay = time.Minute })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	f.do(httptest.NewRequestWithContext(ctx, http.MethodGet, "/ping", nil))
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("request took %v after its client left", took)
	}
}

// counterValue is http_requests_total{method="GET",route,code}.
func counterValue(t *testing.T, f *fixture, route, code string) float64 {
	t.Helper()
	families, err := f.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, family := range families {
		if family.GetName() != "http_requests_total" {
			continue
		}
		for _, m := range family.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == "GET" && labels["route"] == route && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
