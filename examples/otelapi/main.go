// otelapi: a service that creates spans with the OpenTelemetry API (go.opentelemetry.io/otel),
// and, as a plain (not skywago-built) program, an OpenTelemetry-SDK-only client.
//
//	otelapi -listen 127.0.0.1:8082                                          (a backend: GET /price)
//	otelapi -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082          (no SDK: the global API)
//	otelapi -listen 127.0.0.1:8081 -backend http://127.0.0.1:8082 -sdk     (the SDK, OTLP to $OTEL_EXPORTER_OTLP_ENDPOINT)
//	otelapi -call http://127.0.0.1:8081/work                                (an SDK client: one CLIENT span, W3C traceparent)
//
// GET /work opens an OpenTelemetry span "compute" around a call to the backend's /price, using
// the request's context, as code instrumented by hand with OpenTelemetry does.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	backend := flag.String("backend", "", "base URL of the backend")
	useSDK := flag.Bool("sdk", false, "set up the OpenTelemetry SDK (OTLP/HTTP exporter)")
	call := flag.String("call", "", "act as an SDK-only client: GET this URL in a CLIENT span, then exit")
	flag.Parse()

	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	shutdown := func() {}
	if *useSDK || *call != "" {
		shutdown = setUpSDK()
	}
	if *call != "" {
		err := callOnce(*call)
		shutdown()
		if err != nil {
			log.Fatal(err)
		}
		return
	}

	tracer := otel.Tracer("otelapi")
	mux := http.NewServeMux()
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "compute", trace.WithAttributes(attribute.String("app.step", "compute")))
		price, err := fetch(ctx, *backend+"/price?item=tea")
		span.AddEvent("fetched", trace.WithAttributes(attribute.Int("price.length", len(price))))
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		fmt.Fprintf(w, "price=%s trace=%s\n", price, span.SpanContext().TraceID())
	})
	mux.HandleFunc("/price", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "100") })
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() {
			shutdown()
			log.Fatal("quit requested")
		}()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

func fetch(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

func setUpSDK() func() {
	exporter, err := otlptracehttp.New(context.Background()) // OTEL_EXPORTER_OTLP_ENDPOINT
	if err != nil {
		log.Fatal(err)
	}
	res, _ := resource.New(context.Background(), resource.WithFromEnv()) // OTEL_SERVICE_NAME
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter, sdktrace.WithBatchTimeout(200*time.Millisecond)),
		sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := tp.Shutdown(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "shutdown:", err)
		}
	}
}

func callOnce(url string) error {
	ctx, span := otel.Tracer("otelapi-client").Start(context.Background(), "call", trace.WithSpanKind(trace.SpanKindClient))
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(req.Header))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("trace=%s span=%s status=%d body=%s", span.SpanContext().TraceID(), span.SpanContext().SpanID(), resp.StatusCode, body)
	return nil
}
