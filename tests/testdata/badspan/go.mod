module example.com/badspan

go 1.22
