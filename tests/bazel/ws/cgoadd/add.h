static inline int add(int a, int b) { return a + b; }
int twice(int a);
