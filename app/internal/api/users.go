package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/goship/app/internal/apierror"
	"github.com/goship/app/internal/users"
)

// userHandlers serve /api/v1/users.
type userHandlers struct {
	store users.Store
}

// userInput is the body of POST and PUT. Validation stops at a field's first
// failing rule, so cheap rules (required, max) come before costly ones
// (email parses the value): a megabyte-long value fails on its length alone.
// TestCheapRulesComeFirst keeps every request type in that order.
type userInput struct {
	Name  string `json:"name" binding:"required,max=100"`
	Email string `json:"email" binding:"required,max=254,email"`
}

func (h userHandlers) register(g *gin.RouterGroup) {
	g.Match(getAndHead, "", h.list)
	g.POST("", h.create)
	g.Match(getAndHead, "/:id", h.get)
	g.PUT("/:id", h.update)
}

// Page sizes of GET /api/v1/users: a client never makes a replica read or
// serialise more than maxPageSize rows in one request, however large the table.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// userPage is the body of GET /api/v1/users. Next, the relative URL of the
// following page, is there only when there may be more users.
type userPage struct {
	Users []users.User `json:"users"`
	Next  string       `json:"next,omitempty"`
}

func (h userHandlers) list(c *gin.Context) {
	after, limit, ok := pageParams(c)
	if !ok {
		return
	}
	page, more, err := h.store.List(c.Request.Context(), after, limit)
	if err != nil {
		abortStoreError(c, err)
		return
	}
	body := userPage{Users: page}
	if body.Users == nil {
		body.Users = []users.User{} // {"users":[]}, not null
	}
	if more && len(page) > 0 {
		body.Next = fmt.Sprintf("%s?after=%d&limit=%d", c.FullPath(), page[len(page)-1].ID, limit)
	}
	c.JSON(http.StatusOK, body)
}

// pageParams reads the list's query string: after (a user id, default 0) and
// limit (1..maxPageSize, default defaultPageSize), each at most once, and
// nothing else — as a body with an unknown field is refused, so is an unknown
// parameter, rather than silently ignoring what a client meant (page=2,
// per_page=…). Every problem is named in one 400.
func pageParams(c *gin.Context) (after uint64, limit int, ok bool) {
	limit = defaultPageSize
	if c.Request.URL.RawQuery == "" {
		return 0, limit, true
	}
	query, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument,
			"the query string is malformed: "+err.Error())
		return 0, 0, false
	}
	var problems, unknown []string
	if values, given := query["limit"]; given {
		n, err := strconv.ParseUint(values[0], 10, 64)
		switch {
		case len(values) > 1:
			problems = append(problems, "limit must be given at most once")
		case err != nil || n < 1 || n > maxPageSize:
			problems = append(problems, fmt.Sprintf("limit must be an integer from 1 to %d, got %s", maxPageSize, quoteBounded(values[0])))
		default:
			limit = int(n)
		}
	}
	if values, given := query["after"]; given {
		n, err := strconv.ParseUint(values[0], 10, 64)
		switch {
		case len(values) > 1:
			problems = append(problems, "after must be given at most once")
		case err != nil:
			problems = append(problems, "after must be a user id (a non-negative integer), got "+quoteBounded(values[0]))
		default:
			after = n
		}
	}
	for name := range query {
		if name != "limit" && name != "after" {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown) // a deterministic message
		problems = append(problems, describeUnknownParams(unknown))
	}
	if len(problems) > 0 {
		apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument, strings.Join(problems, "; "))
		return 0, 0, false
	}
	return after, limit, true
}

// describeUnknownParams names the first few unknown parameters (sorted): a
// query string of thousands of them makes no longer a message.
func describeUnknownParams(names []string) string {
	const shown = 3
	quoted := make([]string, 0, shown)
	for _, name := range names[:min(len(names), shown)] {
		quoted = append(quoted, quoteBounded(name))
	}
	list := strings.Join(quoted, ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	word := "parameter"
	if len(names) > 1 {
		word = "parameters"
	}
	return fmt.Sprintf("unknown query %s %s; the parameters are limit and after", word, list)
}

// quoteBounded quotes a client's value for a message, cut to its first 64
// bytes (on a UTF-8 boundary) so that the answer stays small.
func quoteBounded(s string) string {
	const most = 64
	if len(s) <= most {
		return strconv.Quote(s)
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

func (h userHandlers) get(c *gin.Context) {
	id, ok := userID(c)
	if !ok {
		return
	}
	u, err := h.store.Get(c.Request.Context(), id)
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
	u, err := h.store.Create(c.Request.Context(), in.Name, in.Email)
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
	u, err := h.store.Update(c.Request.Context(), id, in.Name, in.Email)
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
// validates it, answering 415, 413, 408 or 400 itself when it cannot.
func decodeUserInput(c *gin.Context) (userInput, bool) {
	var in userInput
	if !decodeJSONBody(c, &in, func() error { return binding.Validator.ValidateStruct(&in) }) {
		return in, false
	}
	return in, true
}

// decodeJSONBody reads exactly one JSON object with no unknown fields into v
// and checks it with validate, answering 415, 413, 408 or 400 itself when it
// cannot.
func decodeJSONBody(c *gin.Context, v any, validate func() error) bool {
	if !acceptJSONContentType(c) {
		return false
	}
	body := &bodyReader{r: c.Request.Body}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if trailing := dec.Decode(&struct{}{}); trailing != io.EOF {
			err = trailing
			if err == nil {
				err = errors.New("body must hold a single JSON object")
			}
		}
	}
	if body.err != nil { // the body could not be read: not the client's JSON
		abortBodyReadError(c, body.err)
		return false
	}
	if err == nil {
		err = validate()
	}
	if err == nil {
		return true
	}
	apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument, describeInputError(err))
	return false
}

// bodyReader keeps the first error reading the body itself (a size limit, a
// timeout, a reset), which JSON errors would otherwise hide or mix up.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// abortBodyReadError answers a body that could not be read. The error's own
// text (socket addresses, internal state) never reaches the client.
func abortBodyReadError(c *gin.Context, err error) {
	var tooLarge *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		apierror.Abort(c, http.StatusRequestEntityTooLarge, apierror.CodeBodyTooLarge,
			fmt.Sprintf("request body exceeds %d bytes", tooLarge.Limit))
	case errors.As(err, &netErr) && netErr.Timeout():
		apierror.Abort(c, http.StatusRequestTimeout, apierror.CodeRequestTimeout,
			"the request body did not arrive within the server's read timeout")
	default:
		apierror.Abort(c, http.StatusBadRequest, apierror.CodeInvalidArgument, "the request body could not be read")
	}
}

// acceptJSONContentType answers 415 unless the body is declared as JSON in
// UTF-8: the media type is matched case-insensitively (RFC 9110 §8.3.1) and a
// charset other than UTF-8 is refused rather than misread.
func acceptJSONContentType(c *gin.Context) bool {
	mediaType, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch {
	case err != nil || mediaType != binding.MIMEJSON:
		apierror.Abort(c, http.StatusUnsupportedMediaType, apierror.CodeUnsupportedMediaType,
			"Content-Type must be application/json")
		return false
	case params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8"):
		apierror.Abort(c, http.StatusUnsupportedMediaType, apierror.CodeUnsupportedMediaType,
			"the body must be UTF-8 (Content-Type charset=utf-8 or no charset)")
		return false
	}
	return true
}

// describeInputError names the offending fields rather than echoing
// validator's or encoding/json's Go-struct-flavoured messages.
func describeInputError(err error) string {
	var invalid validator.ValidationErrors
	var syntax *json.SyntaxError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &invalid):
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON body at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &wrongType) && wrongType.Field == "": // the body itself
		return "the body must be a JSON object, got " + wrongType.Value
	case errors.As(err, &wrongType):
		return fmt.Sprintf("%s must be a JSON %s, got %s", wrongType.Field, jsonTypeOf(wrongType.Type), wrongType.Value)
	case errors.Is(err, io.EOF):
		return "the body must be a JSON object, got nothing"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON body: it ends too early"
	default: // unknown field, trailing data: encoding/json's text names only the client's input
		return "invalid JSON body: " + strings.TrimPrefix(err.Error(), "json: ")
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

// jsonTypeOf names a Go type as the JSON type it decodes from.
func jsonTypeOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		// Not "number": 1.5 or 1e2 is one, and "must be a number, got number" says nothing.
		return "integer"
	default:
		return "number"
	}
}

func abortStoreError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, users.ErrNotFound):
		apierror.Abort(c, http.StatusNotFound, apierror.CodeNotFound, "user not found")
	case errors.Is(err, users.ErrFull):
		apierror.Abort(c, http.StatusInsufficientStorage, apierror.CodeInsufficientStorage, "user store is full")
	case errors.Is(err, users.ErrUnavailable):
		_ = c.Error(err) // for the log; the client learns only that it may retry
		c.Header("Retry-After", "1")
		apierror.Abort(c, http.StatusServiceUnavailable, apierror.CodeUnavailable, "the database is unavailable; retry")
	default:
		_ = c.Error(err)
		apierror.Abort(c, http.StatusInternalServerError, apierror.CodeInternal, "internal server error")
	}
}
