package middleware

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/apierror"
)

func newPanickingRouter(logs *bytes.Buffer) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(RequestID(), Recovery(slog.New(slog.NewJSONHandler(logs, nil))))
	r.GET("/boom", func(*gin.Context) { panic("kaboom") })
	r.GET("/abort", func(*gin.Context) { panic(http.ErrAbortHandler) })
	r.GET("/late", func(c *gin.Context) {
		c.String(http.StatusOK, "partial")
		panic("after the status went out")
	})
	return r
}

func TestRecoveryAnswersJSON500AndLogsTheStack(t *testing.T) {
	var logs bytes.Buffer
	rec := httptest.NewRecorder()
	newPanickingRouter(&logs).ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	var body apierror.Body
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != apierror.CodeInternal {
		t.Fatalf("body = %q (%v), want a JSON error with code internal", rec.Body, err)
	}
	if strings.Contains(rec.Body.String(), "kaboom") {
		t.Error("panic value leaked to the client")
	}
	var entry map[string]any
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("log is not one JSON line: %q", logs.String())
	}
	if entry["level"] != "ERROR" || entry["panic"] != "kaboom" || entry["route"] != "/boom" {
		t.Errorf("log entry = %v", entry)
	}
	if entry["request_id"] != rec.Header().Get(RequestIDHeader) {
		t.Errorf("log request_id = %v, response id = %q", entry["request_id"], rec.Header().Get(RequestIDHeader))
	}
	if stack, _ := entry["stack"].(string); !strings.Contains(stack, "recovery_test.go") {
		t.Errorf("stack does not show the panicking handler: %.300s", stack)
	}
}

func TestRecoveryKeepsAPartialResponse(t *testing.T) {
	var logs bytes.Buffer
	rec := httptest.NewRecorder()
	newPanickingRouter(&logs).ServeHTTP(rec, httptest.NewRequest("GET", "/late", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "partial" {
		t.Errorf("got %d %q; a response already started must not get a second body", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "after the status went out") {
		t.Error("late panic was not logged")
	}
}

func TestRecoveryRepanicsErrAbortHandler(t *testing.T) {
	var logs bytes.Buffer
	defer func() {
		if recovered := recover(); recovered != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler to reach net/http", recovered)
		}
	}()
	newPanickingRouter(&logs).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
}
