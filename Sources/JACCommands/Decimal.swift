/// `v` with `places` decimals (0 to 9), rounded half away from zero: "%.Nf" for the finite
/// values the tools report, without Foundation's String(format:).
public func decimal(_ v: Double, places: Int) -> String {
    var scale = 1
    for _ in 0 ..< places { scale *= 10 }
    let n = Int((abs(v) * Double(scale)).rounded())
    let fraction = String(n % scale)
    let point = places == 0 ? "" : "." + String(repeating: "0", count: places - fraction.count) + fraction
    return (v < 0 && n > 0 ? "-" : "") + String(n / scale) + point
}
