from gan_course.ui.lesson_page import render

render("06_making_gans_converge")
