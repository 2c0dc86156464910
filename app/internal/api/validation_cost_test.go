package api

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// requestTypes are every type a handler binds a request body to.
var requestTypes = []any{userInput{}}

// cheapRules cost O(1) or one pass over the value's length; any other rule
// may parse the value and must come after them.
var cheapRules = map[string]bool{"required": true, "omitempty": true, "max": true, "min": true, "len": true}

// A field's validation stops at its first failing rule: every bound on the
// length comes before rules that parse the value, so an oversized value costs
// no more than reading it.
func TestCheapRulesComeFirst(t *testing.T) {
	for _, v := range requestTypes {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			field := typ.Field(i)
			rules := strings.Split(field.Tag.Get("binding"), ",")
			seenCostly, hasMax := "", false
			for _, rule := range rules {
				name, _, _ := strings.Cut(rule, "=")
				if name == "max" || name == "len" {
					hasMax = true
				}
				switch {
				case !cheapRules[name] && seenCostly == "":
					seenCostly = name
				case cheapRules[name] && seenCostly != "":
					t.Errorf("%s.%s: %q comes after the costly %q: %s", typ.Name(), field.Name, rule, seenCostly, field.Tag)
				}
			}
			if field.Type.Kind() == reflect.String && !hasMax {
				t.Errorf("%s.%s: a string field without a max length: %s", typ.Name(), field.Name, field.Tag)
			}
		}
	}
}

// A body of MAX_BODY_BYTES whose e-mail address is almost all of it is
// refused for its length, costing about what refusing an equally long name
// costs (both are read and decoded once), not the ~140 ms the e-mail parser
// spent on such a value before its length was checked.
func TestOversizedFieldCostsNoMoreThanReadingIt(t *testing.T) {
	const bodyLimit = 1 << 20 // the service's default MAX_BODY_BYTES
	const size = bodyLimit - 100
	long := strings.Repeat("a", size)
	bodies := [2]string{
		`{"name":"` + long + `","email":"a@example.com"}`, // the baseline
		`{"name":"x","email":"` + long + `@example.com"}`,
	}
	f := newFixture(t, func(o *Options) { o.MaxBodyBytes = bodyLimit })
	best := [2]time.Duration{1 << 62, 1 << 62}
	for range 7 { // alternating, the best of 7: the least disturbed by the machine
		for i, body := range bodies {
			started := time.Now()
			rec := f.do(jsonRequest("POST", "/api/v1/users", body))
			best[i] = min(best[i], time.Since(started))
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %.200s", rec.Code, rec.Body.String())
			}
		}
	}
	longName, longEmail := best[0], best[1]
	t.Logf("refusing a %d-byte value: name %v, email %v (%.2f×)", size, longName, longEmail, float64(longEmail)/float64(longName))
	if longEmail > 3*longName+2*time.Millisecond {
		t.Errorf("refusing an oversized email took %v, over 3× refusing an oversized name (%v)", longEmail, longName)
	}
}
