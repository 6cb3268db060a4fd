// Advice compiled inside github.com/gofiber/fiber/v2. App.handler holds the request's Entry span
// (inside fasthttp's server span it reuses it); Route.match renames the active Entry span when a
// route (not a Use prefix) matches: starting an Entry span inside an Entry span renames it.
package fiber

import (
	"strconv"

	"github.com/valyala/fasthttp"
)

const (
	skywagoFiberComponent = 5021 // FastHttp, as SkyWalking's fiber plugin
	skywagoFiberLayer     = 3    // Http
	skywagoFiberEntry     = 0
)

func skywagoAppHandlerBefore(inv *skywagoInvocation, app *App, rctx **fasthttp.RequestCtx) {
	ctx := *rctx
	if ctx == nil {
		return
	}
	t := inv.Tracer
	method := string(ctx.Method())
	span := t.StartSpan(skywagoFiberEntry, method+":"+string(ctx.Path()), "",
		func(key string) string { return string(ctx.Request.Header.Peek(key)) }, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoFiberComponent)
	t.SetLayer(span, skywagoFiberLayer)
	t.SetTag(span, "http.method", method)
	t.SetTag(span, "url", string(ctx.URI().FullURI()))
	inv.Span = span
}

func skywagoAppHandlerAfter(inv *skywagoInvocation, app *App, rctx **fasthttp.RequestCtx) {
	if inv.Span == nil {
		return
	}
	t := inv.Tracer
	status := (*rctx).Response.StatusCode() // after the error handler wrote its response
	t.SetTag(inv.Span, "http.status_code", strconv.Itoa(status))
	if status >= 400 {
		t.SetError(inv.Span)
	}
	t.End(inv.Span)
}

func skywagoRouteMatchBefore(inv *skywagoInvocation, r *Route, detectionPath, path *string, params **[maxParams]string, matched *bool) {
}

func skywagoRouteMatchAfter(inv *skywagoInvocation, r *Route, detectionPath, path *string, params **[maxParams]string, matched *bool) {
	if !*matched || r == nil || r.use || r.Path == "" {
		return
	}
	t := inv.Tracer
	if traceID, _, _ := t.ActiveIDs(); traceID == "" {
		return // not traced (an ignored path, an unsampled trace): never start a trace here
	}
	if span := t.StartSpan(skywagoFiberEntry, r.Method+":"+r.Path, "", nil, nil); span != nil {
		t.End(span) // the reuse of the request's span ends; the span goes on
	}
}
