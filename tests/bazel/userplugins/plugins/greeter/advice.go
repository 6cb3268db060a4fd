package hello

func skywagoGreeterShoutBefore(inv *skywagoInvocation, word *string, result *string) {
	inv.Span = inv.Tracer.StartSpan(2, "greeter/"+*word, "", nil, nil) // 2: Local
	*word = skywagoGreeting + *word
}

func skywagoGreeterShoutAfter(inv *skywagoInvocation, word *string, result *string) {
	if inv.Span != nil {
		inv.Tracer.End(inv.Span)
	}
}
