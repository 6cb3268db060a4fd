package hello

const skywagoGreeting = "hi-"
