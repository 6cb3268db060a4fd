// Integer formatting for shared advice, without strconv (a target package may not import it,
// and compiled-in code may import only what the package does).
package itoa

func skywagoItoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var digits [20]byte
	i := len(digits)
	u := uint64(n)
	if n < 0 {
		u = uint64(-n)
	}
	for u > 0 {
		i--
		digits[i] = byte('0' + u%10)
		u /= 10
	}
	if n < 0 {
		i--
		digits[i] = '-'
	}
	return string(digits[i:])
}
