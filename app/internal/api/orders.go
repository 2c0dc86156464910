package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/orders"
)

// OrderProducer queues an order (orders.Producer).
type OrderProducer interface {
	Produce(ctx context.Context, o orders.Order) error
}

// orderRetryAfter is the Retry-After of a 503: a broker restart or a leader
// election takes seconds, not milliseconds.
const orderRetryAfter = "5"

// orderHandlers serve POST /api/v1/orders: an accepted order is on the topic
// (acknowledged by every in-sync replica), for `server worker` to record.
type orderHandlers struct {
	producer OrderProducer
}

// orderInput is the body. Quantity is a pointer so that a missing one is
// told apart from 0.
type orderInput struct {
	ID       string `json:"id"`
	SKU      string `json:"sku"`
	Quantity *int   `json:"quantity"`
}

// orderAccepted is the 202's body.
type orderAccepted struct {
	ID string `json:"id"`
}

func (h orderHandlers) register(g *gin.RouterGroup) {
	g.POST("", h.create)
}

// create validates the order, produces it and answers 202 once the broker
// acknowledged it. The order id is the body's id, else the Idempotency-Key
// header, else a new UUID: a client that retries after a timeout or a 503
// with the same id gets one order, not two (the worker records an id once).
func (h orderHandlers) create(c *gin.Context) {
	var in orderInput
	if !decodeJSONBody(c, &in, func() error { return nil }) {
		return
	}
	key := c.GetHeader("Idempotency-Key")
	var problems []string // every one at once, as for users
	switch {
	case len(c.Request.Header.Values("Idempotency-Key")) > 1:
		// Which one a proxy or Gin would pick is arbitrary: no guess at the order's id.
		problems = append(problems, "give one Idempotency-Key header, not several")
	case key == "":
	case in.ID != "" && in.ID != key:
		problems = append(problems, "id and the Idempotency-Key header differ; give one, or the same value in both")
	case orders.ValidID(key):
		in.ID = key
	default:
		problems = append(problems, "the Idempotency-Key header must be 1 to 64 letters, digits, '-' or '_'")
	}
	if in.ID == "" {
		in.ID = orders.NewID()
	}
	order := orders.Order{ID: in.ID, SKU: in.SKU, CreatedAt: time.Now().UTC()}
	if in.Quantity != nil {
		order.Quantity = *in.Quantity
	}
	for _, problem := range order.Problems() {
		if in.Quantity == nil && strings.HasPrefix(problem, "quantity ") {
			problem = "quantity is required"
		}
		problems = append(problems, problem)
	}
	if len(problems) > 0 {
		apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument, strings.Join(problems, "; "))
		return
	}
	if err := h.producer.Produce(c.Request.Context(), order); err != nil {
		_ = c.Error(err) // for the access log; the client learns only that it may retry
		if !errors.Is(err, orders.ErrUnavailable) {
			apierror.Abort(c, http.StatusInternalServerError, apierror.CodeInternal, "internal server error")
			return
		}
		c.Header("Retry-After", orderRetryAfter)
		apierror.Abort(c, http.StatusServiceUnavailable, apierror.CodeUnavailable,
			"the order queue is unavailable; retry with the same id")
		return
	}
	c.JSON(http.StatusAccepted, orderAccepted{ID: order.ID})
}
