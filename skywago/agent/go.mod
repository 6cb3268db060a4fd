module skywago.dev/agent

go 1.22
