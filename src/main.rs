fn main() { meshsim_web::start(); }
