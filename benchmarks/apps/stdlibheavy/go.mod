module example.com/stdlibheavy

go 1.22
