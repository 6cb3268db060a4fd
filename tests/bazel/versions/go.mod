module example.com/versions

go 1.26.0

require (
	github.com/gorilla/mux v1.6.1
	github.com/sirupsen/logrus v1.3.0
)

require (
	github.com/gorilla/context v1.1.2 // indirect
	github.com/konsorten/go-windows-terminal-sequences v1.0.1 // indirect
	golang.org/x/crypto v0.48.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/term v0.40.0 // indirect
)
