package core

// ProfileConfig: while a goroutine has an open, sampled segment, its runtime/pprof labels carry
// trace_id=<trace id> (profile_labels.go), so profiles join traces.
type ProfileConfig struct {
	Labels bool // SW_AGENT_PROFILE_LABELS; default true
}

func defaultProfileConfig() ProfileConfig { return ProfileConfig{Labels: true} }

func (c *ProfileConfig) load(s *settings) {
	s.boolean("SW_AGENT_PROFILE_LABELS", &c.Labels)
}
