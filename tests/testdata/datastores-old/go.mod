module example.com/datastores-old

go 1.22
