package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/users"
)

// userHandlers serve /api/v1/users.
type userHandlers struct {
	store *users.Store
}

// userInput is the body of POST and PUT.
type userInput struct {
	Name  string `json:"name" binding:"required,max=100"`
	Email string `json:"email" binding:"required,email,max=254"`
}

func (h userHandlers) register(g *gin.RouterGroup) {
	g.GET("", h.list)
	g.POST("", h.create)
	g.GET("/:id", h.get)
	g.PUT("/:id", h.update)
}

func (h userHandlers) list(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"users": h.store.List()})
}

func (h userHandlers) get(c *gin.Context) {
	id, ok := userID(c)
	if !ok {
		return
	}
	u, err := h.store.Get(id)
	if err != nil {
		abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (h userHandlers) create(c *gin.Context) {
	in, ok := decodeUserInput(c)
	if !ok {
		return
	}
	u, err := h.store.Create(in.Name, in.Email)
	if err != nil {
		abortStoreError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("%s/%d", c.FullPath(), u.ID))
	c.JSON(http.StatusCreated, u)
}

func (h userHandlers) update(c *gin.Context) {
	id, ok := userID(c)
	if !ok {
		return
	}
	in, ok := decodeUserInput(c)
	if !ok {
		return
	}
	u, err := h.store.Update(id, in.Name, in.Email)
	if err != nil {
		abortStoreError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

// userID parses the :id path parameter: a positive decimal integer.
func userID(c *gin.Context) (uint64, bool) {
	raw := c.Param("id")
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument,
			fmt.Sprintf("id must be a positive integer, got %q", raw))
		return 0, false
	}
	return id, true
}

// decodeUserInput reads exactly one JSON object with no unknown fields and
// validates it, answering 415, 413 or 400 itself when it cannot.
func decodeUserInput(c *gin.Context) (userInput, bool) {
	var in userInput
	if c.ContentType() != binding.MIMEJSON {
		apierror.Abort(c, http.StatusUnsupportedMediaType, apierror.CodeUnsupportedMediaType,
			"Content-Type must be application/json")
		return in, false
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(&in)
	if err == nil {
		if trailing := dec.Decode(&struct{}{}); trailing != io.EOF {
			err = trailing // may be a *http.MaxBytesError
			if err == nil {
				err = errors.New("body must hold a single JSON object")
			}
		}
	}
	if err == nil {
		err = binding.Validator.ValidateStruct(&in)
	}
	if err == nil {
		return in, true
	}

	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		apierror.Abort(c, http.StatusRequestEntityTooLarge, apierror.CodeBodyTooLarge,
			fmt.Sprintf("request body exceeds %d bytes", tooLarge.Limit))
		return in, false
	}
	apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument, describeInputError(err))
	return in, false
}

// describeInputError names the offending fields rather than echoing
// validator's Go-struct-flavoured messages.
func describeInputError(err error) string {
	var invalid validator.ValidationErrors
	if !errors.As(err, &invalid) {
		return "invalid JSON body: " + err.Error()
	}
	problems := make([]string, 0, len(invalid))
	for _, fe := range invalid {
		field := strings.ToLower(fe.Field())
		switch fe.Tag() {
		case "required":
			problems = append(problems, field+" is required")
		case "email":
			problems = append(problems, field+" must be an email address")
		case "max":
			problems = append(problems, fmt.Sprintf("%s must be at most %s characters", field, fe.Param()))
		default:
			problems = append(problems, field+" is invalid")
		}
	}
	return strings.Join(problems, "; ")
}

func abortStoreError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, users.ErrNotFound):
		apierror.Abort(c, http.StatusNotFound, apierror.CodeNotFound, "user not found")
	case errors.Is(err, users.ErrFull):
		apierror.Abort(c, http.StatusInsufficientStorage, apierror.CodeInsufficientStorage, "user store is full")
	default:
		_ = c.Error(err)
		apierror.Abort(c, http.StatusInternalServerError, apierror.CodeInternal, "internal server error")
	}
}
