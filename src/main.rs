fn main() {
    println!("kr8s-tui: under construction");
}
