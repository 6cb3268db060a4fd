// What the kratos plugin's advice in transport/http and transport/grpc shares: SkyWalking's
// component, layer and tag for kratos, and the decoration of a span as kratos's.
package kratos

const (
	skywagoKratosComponent = 5010 // SkyWalking component id Kratos
	skywagoKratosLayer     = 2    // RPCFramework
	skywagoKratosEntry     = 0
	skywagoKratosExit      = 1
)

// skywagoKratosDecorate names the span after the operation (when op is not "") and makes it
// kratos's: a client plugin under a kratos call (net/http's, grpc's) renames the same Exit span,
// and this gives it back.
func skywagoKratosDecorate(t *skywagoTracerABI, span interface{}, op, transport string) {
	if op != "" {
		t.SetOperation(span, op)
	}
	t.SetComponent(span, skywagoKratosComponent)
	t.SetLayer(span, skywagoKratosLayer)
	t.SetTag(span, "transport", transport)
}

// skywagoKratosFinish flags a returned error (and logs it unless another plugin's advice on the
// same span does) and ends the span.
func skywagoKratosFinish(t *skywagoTracerABI, span interface{}, err error, log bool) {
	if err != nil {
		t.SetError(span)
		if log {
			t.Log(span, "error", err.Error())
		}
	}
	t.End(span)
}
