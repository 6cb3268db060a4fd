module example.com/profilelabels

go 1.22
